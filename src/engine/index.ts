/** @module The engine: plan, shard, submit, watch, collect and retry, as one resumable run loop. */
export { runPipeline, type RunOutcome } from './run-pipeline.ts';
export { summarizeRetries, summarizeStages, type StageSummary } from './summary.ts';
export { totalCost, type ActualStageCost } from './actual-cost.ts';
export { selectStages, loggerReporter, failpointFrom, type EngineContext, type RunReporter, type Failpoint } from './context.ts';
export type { StagePlan } from './plan-stage.ts';
export { pollInterval } from './watch-jobs.ts';
export { collectFinished, cancelJobs, liveJobs } from './collect-and-cancel.ts';
export { revalidate, type RevalidationSummary, type RevalidationChange } from './revalidate.ts';
export { findRequest, provenanceOf, dependentsOf, type Provenance } from './lineage.ts';
export { vectorRowOf, type VectorRow } from './embedding-outputs.ts';
export { planStage, type PlanMemory } from './plan-stage.ts';
export { previewRun, type RunPreview, type StagePreview } from './plan-run.ts';
export { stageDocumentProblems } from './document-problems.ts';
export { showRequest, type RequestPreview, type RequestPreviewStatus } from './show-request.ts';
export type { RequestTarget } from './find-stage-request.ts';
export { calibrated } from './costing.ts';
export { withRepairNote } from './submission-line.ts';
