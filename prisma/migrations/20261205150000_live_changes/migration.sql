-- Live pages. Every committed change a workload page or the fleet page shows is announced on the
-- channel `koi_live` as {"o": orgId, "t": topic}; each web process LISTENs once and pushes the topic
-- to the pages open on it (server-sent events), which then refetch. Postgres sends a NOTIFY only at
-- commit and folds identical ones within a transaction, so a page never refetches before the change
-- is visible, and a report that writes several rows of one workload is one message.

-- The topic is `fleet` (agents, pools and the assignments that hold their GPUs) when the trigger
-- says so, else `workload:<id>` of the row's workload (the row itself, or its workloadId).
CREATE FUNCTION koi_live_notify() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
  topic TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_ARGV[0] = 'fleet' THEN
    topic := 'fleet';
  ELSIF TG_TABLE_NAME = 'Workload' THEN
    topic := 'workload:' || r.id;
  ELSIF r."workloadId" IS NOT NULL THEN
    topic := 'workload:' || r."workloadId";
  END IF;
  IF topic IS NOT NULL THEN
    PERFORM pg_notify('koi_live', json_build_object('o', r."orgId", 't', topic)::TEXT);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER koi_live_workload AFTER INSERT OR UPDATE OR DELETE ON "Workload"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('workload');
CREATE TRIGGER koi_live_workload AFTER INSERT OR UPDATE ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('workload');
CREATE TRIGGER koi_live_workload AFTER INSERT ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('workload');
CREATE TRIGGER koi_live_workload AFTER INSERT ON "ForecastPoint"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('workload');
CREATE TRIGGER koi_live_workload AFTER INSERT ON "OnlineSample"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('workload');

-- Heartbeats only touch lastHeartbeatAt and metrics (many a second at scale): not announced; the
-- fleet page refreshes those on a slow timer.
CREATE TRIGGER koi_live_fleet AFTER INSERT OR DELETE ON "Agent"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('fleet');
CREATE TRIGGER koi_live_fleet_changed AFTER UPDATE ON "Agent"
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD."inventoryHash" IS DISTINCT FROM NEW."inventoryHash"
    OR OLD.version IS DISTINCT FROM NEW.version
    OR OLD."engineVersion" IS DISTINCT FROM NEW."engineVersion"
    OR OLD."apiKeyId" IS DISTINCT FROM NEW."apiKeyId"
  )
  EXECUTE FUNCTION koi_live_notify('fleet');
CREATE TRIGGER koi_live_fleet AFTER INSERT OR UPDATE OR DELETE ON "GpuPool"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('fleet');
CREATE TRIGGER koi_live_fleet AFTER INSERT OR DELETE ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION koi_live_notify('fleet');
CREATE TRIGGER koi_live_fleet_state AFTER UPDATE ON "Assignment"
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION koi_live_notify('fleet');
