-- Settings audits written before the webhook was masked kept its whole host, and Pipedream's secret
-- is its subdomain. Keep what masked-webhook-url.ts keeps: the last two labels of a name, nothing
-- of an address. A port goes too. Running it again changes nothing.
UPDATE "AuditEvent" e
SET data = jsonb_set(e.data, '{webhookHost}', to_jsonb(m.masked))
FROM (
  SELECT a.id,
    CASE
      WHEN h.name LIKE '[%' OR h.name ~ '^[0-9.]+$' THEN '…'
      WHEN cardinality(h.labels) > 2 THEN '…' || array_to_string(h.labels[cardinality(h.labels) - 1:], '.')
      ELSE h.name
    END AS masked
  FROM "AuditEvent" a
  CROSS JOIN LATERAL (
    SELECT n.name, string_to_array(n.name, '.') AS labels
    FROM (SELECT rtrim(regexp_replace(a.data->>'webhookHost', ':[0-9]+$', ''), '.') AS name) n
  ) h
  WHERE a.action = 'notifications.updated' AND jsonb_typeof(a.data->'webhookHost') = 'string'
) m
WHERE e.id = m.id;
