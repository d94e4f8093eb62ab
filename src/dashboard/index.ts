/** @module `truebatch dashboard`: a read-only web dashboard of a project's ledger, updated live. */
export { startDashboard, isLoopback, DASHBOARD_PORT, type DashboardOptions, type RunningDashboard } from './server.ts';
export type { DashboardProject } from './context.ts';
