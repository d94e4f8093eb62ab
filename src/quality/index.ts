/** @module Measured quality (#19): field-by-field agreement of answers, and audits of batch answers against interactive ones. */
export * from './field-agreement.ts';
export { stratifiedSample, proportionalQuotas, type Sizable } from './audit-sample.ts';
export { summariseAudit, type AuditSummary } from './audit-summary.ts';
export { planAudit, runAudit, type AuditContext, type AuditOptions, type AuditPlan, type AuditProgress, type BudgetHeadroom } from './audit.ts';
