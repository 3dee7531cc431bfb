-- Usage refusals audited before the tally existed (one `usage.refused` audit per refused report):
-- tallied per assignment and hour, so the Costs page still counts them after the upgrade.
WITH refused AS (
  SELECT
    "orgId",
    "targetId" AS "assignmentId",
    COALESCE(data ->> 'agentId', '') AS "agentId",
    date_trunc('hour', "createdAt") AS hour,
    "createdAt",
    COALESCE(
      (SELECT string_agg(r ->> 'reason', '; ') FROM jsonb_array_elements(data -> 'refused') AS r),
      ''
    ) AS reason,
    row_number() OVER (PARTITION BY "targetId", date_trunc('hour', "createdAt") ORDER BY "createdAt" DESC) AS newest
  FROM "AuditEvent"
  WHERE action = 'usage.refused' AND "orgId" IS NOT NULL AND "targetId" IS NOT NULL
    AND jsonb_typeof(data -> 'refused') = 'array'
)
INSERT INTO "UsageRefusal" ("id", "orgId", "assignmentId", "agentId", "hour", "reports", "latestAt", "latestReason")
SELECT
  'backfill-' || md5("assignmentId" || hour::text),
  "orgId",
  "assignmentId",
  max("agentId"),
  hour,
  count(*)::int,
  max("createdAt"),
  COALESCE(max(reason) FILTER (WHERE newest = 1), '')
FROM refused
GROUP BY "orgId", "assignmentId", hour
ON CONFLICT ("assignmentId", "hour") DO NOTHING;
