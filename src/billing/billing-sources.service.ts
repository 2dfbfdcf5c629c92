import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { BillingSource } from './billing-source.entity.js';
import { SourceKindMismatchError } from './source-kind-mismatch.error.js';

@Injectable()
export class BillingSourcesService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Returns the source with this name, creating it on first use. A name configured or stored with
   * another kind is refused, so one kind's import never replaces another's data.
   */
  async ensure(name: string, kind: string): Promise<BillingSource> {
    const configured = this.config.sources.find((s) => s.name === name);
    if (configured && configured.kind !== kind) {
      throw new SourceKindMismatchError(name, configured.kind, kind);
    }
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(BillingSource)
      .values({ name, kind })
      .orIgnore()
      .execute();
    const source = await this.dataSource.getRepository(BillingSource).findOneByOrFail({ name });
    if (source.kind !== kind) throw new SourceKindMismatchError(name, source.kind, kind);
    return source;
  }

  async findByName(name: string): Promise<BillingSource | null> {
    return this.dataSource.getRepository(BillingSource).findOneBy({ name });
  }

  async list(): Promise<BillingSource[]> {
    return this.dataSource.getRepository(BillingSource).find({ order: { name: 'ASC' } });
  }
}
