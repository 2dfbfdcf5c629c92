import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * FOCUS 1.2 columns plus the 1.3 and 1.4 additions, in snake_case. Partitioned by billing month;
 * each month is partitioned again by source so one (source, period) slice can be swapped
 * atomically by the loader (docs/adr/0002-atomic-slice-swap.md).
 */
export class CreateCostRecord1795365900002 implements MigrationInterface {
  name = 'CreateCostRecord1795365900002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cost_record (
        source_id integer NOT NULL,
        import_run_id bigint NOT NULL,
        billing_period date NOT NULL,
        source_line bigint NOT NULL,
        extensions jsonb,
        availability_zone text,
        billed_cost numeric NOT NULL,
        billing_account_id text,
        billing_account_name text,
        billing_account_type text,
        billing_currency text NOT NULL,
        billing_period_end timestamptz NOT NULL,
        billing_period_start timestamptz NOT NULL,
        capacity_reservation_id text,
        capacity_reservation_status text,
        charge_category text NOT NULL,
        charge_class text,
        charge_description text,
        charge_frequency text,
        charge_period_end timestamptz NOT NULL,
        charge_period_start timestamptz NOT NULL,
        commitment_discount_category text,
        commitment_discount_id text,
        commitment_discount_name text,
        commitment_discount_quantity numeric,
        commitment_discount_status text,
        commitment_discount_type text,
        commitment_discount_unit text,
        consumed_quantity numeric,
        consumed_unit text,
        contracted_cost numeric,
        contracted_unit_price numeric,
        effective_cost numeric NOT NULL,
        invoice_id text,
        invoice_issuer_name text,
        list_cost numeric,
        list_unit_price numeric,
        pricing_category text,
        pricing_currency text,
        pricing_currency_contracted_unit_price numeric,
        pricing_currency_effective_cost numeric,
        pricing_currency_list_unit_price numeric,
        pricing_quantity numeric,
        pricing_unit text,
        provider_name text,
        publisher_name text,
        region_id text,
        region_name text,
        resource_id text,
        resource_name text,
        resource_type text,
        service_category text,
        service_name text,
        service_subcategory text,
        sku_id text,
        sku_meter text,
        sku_price_details jsonb,
        sku_price_id text,
        sub_account_id text,
        sub_account_name text,
        sub_account_type text,
        tags jsonb,
        allocated_method_details jsonb,
        allocated_method_id text,
        allocated_resource_id text,
        allocated_resource_name text,
        allocated_tags jsonb,
        contract_applied jsonb,
        host_provider_name text,
        service_provider_name text,
        commitment_program_eligibility_details jsonb,
        invoice_detail_id text
      ) PARTITION BY RANGE (billing_period)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cost_record`);
  }
}
