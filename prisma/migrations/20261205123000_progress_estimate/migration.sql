-- Between two of Orca's chunk counts, progress estimated from the tokens generated since the last one.
ALTER TABLE "Workload" ADD COLUMN "progressEstimate" DOUBLE PRECISION;
