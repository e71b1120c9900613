import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type ApiKeys, type Role, roleAllows, roleOfKey } from './api-keys';

export const API_KEYS = Symbol('API_KEYS');
const ROLES_KEY = 'pulse:roles';
const PUBLIC_KEY = 'pulse:public';

/** Roles allowed on a route or controller (admin is always allowed). */
export const RequireRole = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
/** Routes anyone may call (health, metrics, docs). */
export const PublicRoute = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Bearer API keys by role. Every route needs a key unless marked public; a
 * route without @RequireRole is admin-only, so forgetting the decorator fails
 * closed.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeys,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (!header) {
      throw new UnauthorizedException('authorization: missing; send Authorization: Bearer <api key>');
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('authorization: expected "Bearer <api key>"');
    const role = roleOfKey(this.keys, match[1]!);
    if (!role) throw new UnauthorizedException('authorization: unknown API key');
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (!roleAllows(role, allowed)) {
      throw new ForbiddenException(
        `the '${role}' key may not call this endpoint; it needs ${['admin', ...allowed].join(' or ')}`,
      );
    }
    return true;
  }
}
