import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly GPU and machine utilization (issue 5). Rows are replaced per (source, hour range) by the
 * usage importers; `gpu_scrape_sample` buffers raw dcgm-exporter scrapes until their hour closes.
 * Column lists are spelled out here (not generated) so this migration never changes.
 */
export class CreateUsageTables1795365900006 implements MigrationInterface {
  name = 'CreateUsageTables1795365900006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gpu_usage (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id integer NOT NULL REFERENCES billing_source (id),
        import_run_id bigint NOT NULL,
        hour timestamptz NOT NULL,
        host text NOT NULL,
        gpu_uuid text NOT NULL,
        gpu_index text,
        model text,
        mig_profile text,
        mig_instance text,
        namespace text,
        pod text,
        container text,
        workload text,
        team text,
        resource_id text,
        samples integer NOT NULL,
        covered_seconds integer NOT NULL,
        gpu_util_avg double precision,
        gpu_util_p95 double precision,
        sm_active_avg double precision,
        sm_active_p95 double precision,
        gr_engine_active_avg double precision,
        gr_engine_active_p95 double precision,
        fb_used_avg_mib double precision,
        fb_used_max_mib double precision,
        fb_total_mib double precision,
        power_avg_w double precision
      )`);
    await q.query(`CREATE INDEX gpu_usage_source_hour ON gpu_usage (source_id, hour)`);
    await q.query(`CREATE INDEX gpu_usage_hour_host ON gpu_usage (hour, host)`);
    await q.query(`
      CREATE TABLE resource_usage (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id integer NOT NULL REFERENCES billing_source (id),
        import_run_id bigint NOT NULL,
        hour timestamptz NOT NULL,
        host text NOT NULL,
        resource_id text,
        samples integer NOT NULL,
        covered_seconds integer NOT NULL,
        cpu_avg double precision,
        cpu_p95 double precision,
        cpu_max double precision,
        memory_used_avg_bytes double precision,
        memory_used_max_bytes double precision,
        memory_total_bytes double precision
      )`);
    await q.query(`CREATE INDEX resource_usage_source_hour ON resource_usage (source_id, hour)`);
    await q.query(`
      CREATE TABLE gpu_scrape_sample (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        source_id integer NOT NULL REFERENCES billing_source (id),
        scraped_at timestamptz NOT NULL,
        target text NOT NULL,
        body text NOT NULL
      )`);
    await q.query(
      `CREATE INDEX gpu_scrape_sample_source_at ON gpu_scrape_sample (source_id, scraped_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE gpu_scrape_sample`);
    await q.query(`DROP TABLE resource_usage`);
    await q.query(`DROP TABLE gpu_usage`);
  }
}
