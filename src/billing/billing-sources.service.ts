import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillingSource } from './billing-source.entity.js';

@Injectable()
export class BillingSourcesService {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns the source with this name, creating it on first use. */
  async ensure(name: string, kind: string): Promise<BillingSource> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(BillingSource)
      .values({ name, kind })
      .orIgnore()
      .execute();
    return this.dataSource.getRepository(BillingSource).findOneByOrFail({ name });
  }

  async findByName(name: string): Promise<BillingSource | null> {
    return this.dataSource.getRepository(BillingSource).findOneBy({ name });
  }

  async list(): Promise<BillingSource[]> {
    return this.dataSource.getRepository(BillingSource).find({ order: { name: 'ASC' } });
  }
}
