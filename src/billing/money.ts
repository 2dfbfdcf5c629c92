import { D, Dec } from '../gpu/gpu-cost-split.js';

/** An amount rounded half up to cents, as a decimal string (`12.30`): how figures are shown. */
export const cents = (v: Dec | string | number): string =>
  new D(v).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
