import { CreateBillingSource1795365900000 } from './1795365900000-CreateBillingSource.js';
import { CreateImportRun1795365900001 } from './1795365900001-CreateImportRun.js';
import { CreateCostRecord1795365900002 } from './1795365900002-CreateCostRecord.js';
import { CreateApiToken1795365900003 } from './1795365900003-CreateApiToken.js';
import { CreateAuditEvent1795365900004 } from './1795365900004-CreateAuditEvent.js';
import { ImportRunPeriodAndRequests1795365900005 } from './1795365900005-ImportRunPeriodAndRequests.js';
import { CreateUsageTables1795365900006 } from './1795365900006-CreateUsageTables.js';
import { CreateBusinessMetric1795365900007 } from './1795365900007-CreateBusinessMetric.js';
import { CreatePeriodClose1795365900008 } from './1795365900008-CreatePeriodClose.js';
import { CreateRecommendation1795365900009 } from './1795365900009-CreateRecommendation.js';
import { CreateInstancePrice1795365900010 } from './1795365900010-CreateInstancePrice.js';
import { CreateAnomaly1795365900011 } from './1795365900011-CreateAnomaly.js';
import { CreateWebSession1796157248508 } from './1796157248508-CreateWebSession.js';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [
  CreateBillingSource1795365900000,
  CreateImportRun1795365900001,
  CreateCostRecord1795365900002,
  CreateApiToken1795365900003,
  CreateAuditEvent1795365900004,
  ImportRunPeriodAndRequests1795365900005,
  CreateUsageTables1795365900006,
  CreateBusinessMetric1795365900007,
  CreatePeriodClose1795365900008,
  CreateRecommendation1795365900009,
  CreateInstancePrice1795365900010,
  CreateAnomaly1795365900011,
  CreateWebSession1796157248508,
];
