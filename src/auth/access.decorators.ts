import { SetMetadata } from '@nestjs/common';
import { Role } from './roles.js';

export const PUBLIC_KEY = 'finops:public';
export const ROLES_KEY = 'finops:roles';

/** No authentication: the explicit allow-list (health, login page, static assets). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles that may call this route. A route with neither this nor @Public() is refused. */
export const Allow = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
