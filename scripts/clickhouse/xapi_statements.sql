-- The table the "clickhouse" sync destination writes (docs/sync.md,
-- docs/outgrowing-one-machine.md): one row per statement, flattened, plus
-- the whole statement as JSON. Apply once per database:
--   clickhouse-client --database analytics --multiquery < scripts/clickhouse/xapi_statements.sql
--
-- Works on ClickHouse 18.16 (Debian 12) and later. Columns may be dropped
-- or reordered: the connector inserts by name and unknown fields are
-- skipped. Rows are never updated; a statement that reaches the table
-- twice (a retried batch, a relay that crashed before it recorded the
-- delivery) has the same sort key, so ReplacingMergeTree keeps one of them
-- at merge time. Query with FINAL (or GROUP BY id) for exact counts.
-- Voided statements stay; exclude them with
--   id NOT IN (SELECT voided_id FROM xapi_statements WHERE verb_id = 'http://adlnet.gov/expapi/verbs/voided')
CREATE TABLE IF NOT EXISTS xapi_statements
(
    id                      UUID,                -- statement id
    timestamp               DateTime('UTC'),     -- statement timestamp, to the second (1970 or later)
    timestamp_ms            Int64,               -- statement timestamp, ms since the epoch
    stored_ms               Int64,               -- when the LRS stored it, ms since the epoch
    date                    Date,                -- UTC day of the timestamp
    version                 String,              -- xAPI version of the statement
    actor_id                String,              -- the learner: mbox:..., mbox_sha1sum:..., openid:..., account:HOMEPAGE|NAME, group:...
    actor_name              String,
    actor_type              String,              -- Agent | Group
    verb_id                 String,
    verb_display            String,              -- en-US, else en, else the first language
    object_type             String,              -- Activity | Agent | Group | StatementRef | SubStatement
    object_id               String,              -- activity IRI, agent key or statement id
    object_name             String,              -- definition.name (as verb_display)
    object_definition_type  String,
    result_score_scaled     Nullable(Float64),
    result_score_raw        Nullable(Float64),
    result_score_min        Nullable(Float64),
    result_score_max        Nullable(Float64),
    result_success          Nullable(UInt8),
    result_completion       Nullable(UInt8),
    result_duration_ms      Nullable(Int64),
    result_response         String,
    registration            Nullable(UUID),
    parent_ids              Array(String),       -- context.contextActivities.parent[].id
    grouping_ids            Array(String),
    category_ids            Array(String),
    instructor_id           String,
    platform                String,
    language                String,
    voided_id               Nullable(UUID),      -- the target, when verb_id is .../voided
    authority_id            String,
    statement               String               -- the stored statement, exact JSON
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(date)
ORDER BY (date, id);
