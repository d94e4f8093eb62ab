/** @module Measured quality (#19): field-by-field agreement of answers, audits of batch answers against interactive ones, and a stage's variants compared. */
export * from './field-agreement.ts';
export { stratifiedSample, proportionalQuotas, type Sizable } from './audit-sample.ts';
export { summariseAudit, type AuditSummary } from './audit-summary.ts';
export { planAudit, runAudit, type AuditContext, type AuditOptions, type AuditPlan, type AuditProgress, type BudgetHeadroom } from './audit.ts';
export { compareVariants, variantsOf, type CompareVariantsOptions, type VariantComparison, type VariantOutcome, type VariantPairAgreement } from './compare-variants.ts';
