-- Live pages. Every committed change a workload page or the fleet page shows is announced on the
-- channel `koi_live` as {"o": orgId, "t": topic}; each web process LISTENs once and pushes the topic
-- to the pages open on it (server-sent events), which then refetch. Postgres sends a NOTIFY only at
-- commit and folds identical ones within a transaction, so a page never refetches before the change
-- is visible, and a report that writes several rows of one workload is one message.
CREATE FUNCTION koi_live_notify(org TEXT, topic TEXT) RETURNS VOID LANGUAGE SQL AS $$
  SELECT pg_notify('koi_live', json_build_object('o', org, 't', topic)::TEXT);
$$;

-- topic `workload:<id>`: the row is the workload itself or belongs to one (workloadId).
CREATE FUNCTION koi_live_workload() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'Workload' THEN
    PERFORM koi_live_notify(r."orgId", 'workload:' || r.id);
  ELSIF r."workloadId" IS NOT NULL THEN
    PERFORM koi_live_notify(r."orgId", 'workload:' || r."workloadId");
  END IF;
  RETURN NULL;
END;
$$;

-- topic `fleet`: agents, pools and the assignments that hold their GPUs.
CREATE FUNCTION koi_live_fleet() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  r RECORD;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM koi_live_notify(r."orgId", 'fleet');
  RETURN NULL;
END;
$$;

CREATE TRIGGER koi_live_workload AFTER INSERT OR UPDATE OR DELETE ON "Workload"
  FOR EACH ROW EXECUTE FUNCTION koi_live_workload();
CREATE TRIGGER koi_live_workload AFTER INSERT OR UPDATE ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION koi_live_workload();
CREATE TRIGGER koi_live_workload AFTER INSERT ON "Decision"
  FOR EACH ROW EXECUTE FUNCTION koi_live_workload();
CREATE TRIGGER koi_live_workload AFTER INSERT ON "ForecastPoint"
  FOR EACH ROW EXECUTE FUNCTION koi_live_workload();
CREATE TRIGGER koi_live_workload AFTER INSERT ON "OnlineSample"
  FOR EACH ROW EXECUTE FUNCTION koi_live_workload();

-- Heartbeats only touch lastHeartbeatAt and metrics (many a second at scale): not announced; the
-- fleet page refreshes those on a slow timer.
CREATE TRIGGER koi_live_fleet AFTER INSERT OR DELETE ON "Agent"
  FOR EACH ROW EXECUTE FUNCTION koi_live_fleet();
CREATE TRIGGER koi_live_fleet_changed AFTER UPDATE ON "Agent"
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD."inventoryHash" IS DISTINCT FROM NEW."inventoryHash"
    OR OLD.version IS DISTINCT FROM NEW.version
    OR OLD."engineVersion" IS DISTINCT FROM NEW."engineVersion"
    OR OLD."apiKeyId" IS DISTINCT FROM NEW."apiKeyId"
  )
  EXECUTE FUNCTION koi_live_fleet();
CREATE TRIGGER koi_live_fleet AFTER INSERT OR UPDATE OR DELETE ON "GpuPool"
  FOR EACH ROW EXECUTE FUNCTION koi_live_fleet();
CREATE TRIGGER koi_live_fleet AFTER INSERT OR DELETE ON "Assignment"
  FOR EACH ROW EXECUTE FUNCTION koi_live_fleet();
CREATE TRIGGER koi_live_fleet_state AFTER UPDATE ON "Assignment"
  FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION koi_live_fleet();
