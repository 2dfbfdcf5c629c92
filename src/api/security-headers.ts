import type { NextFunction, Request, Response } from 'express';

/**
 * The pages and reports are rendered on the server with no script: styles are inline (`<style>`,
 * SVG charts' style attributes), forms post back to the service, nothing is framed or loaded
 * from elsewhere.
 */
export const PAGE_POLICY = [
  "default-src 'none'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Swagger UI at /api/docs runs its bundled scripts (served from /api/docs/), styles itself inline,
 * draws icons as data: images and calls the API for "Try it out".
 */
export const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Security headers on every answer, pages, API and errors alike. Set here rather than with
 * helmet, which is not installed: a few constant headers do not justify a dependency.
 */
export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  const docs = req.path === '/api/docs' || req.path.startsWith('/api/docs/');
  res.setHeader('content-security-policy', docs ? DOCS_POLICY : PAGE_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  // frame-ancestors for browsers that predate it.
  res.setHeader('x-frame-options', 'DENY');
  next();
}
