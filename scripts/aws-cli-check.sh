#!/usr/bin/env bash
# Runs the ai-recommendation sample on a local stack, then lists and describes its job with the
# AWS CLI: the emulated SageMaker speaks the AWS JSON protocol, so the CLI drives it unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
state=$(mktemp -d)/local.json
export IRFLOW_LOCAL_STATE="$state"
node bin/irflow.js local stack --time-scale 3000 &
stack=$!
trap 'kill "$stack" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -f "$state" ] && break; sleep 0.1; done
[ -f "$state" ] || { echo "the local stack did not start" >&2; exit 1; }
job=$(node bin/irflow.js start events/specs/ai/llama-3-8b-chat.json --run-key aws-cli --wait --json |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).jobName))')
endpoint=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).endpoints.sagemaker)' "$state")
export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1
listed=$(aws sagemaker list-ai-recommendation-jobs --endpoint-url "$endpoint" \
  --query "AIRecommendationJobs[?AIRecommendationJobName=='$job'].AIRecommendationJobStatus" --output text)
described=$(aws sagemaker describe-ai-recommendation-job --endpoint-url "$endpoint" \
  --ai-recommendation-job-name "$job" --query AIRecommendationJobStatus --output text)
echo "aws sagemaker list-ai-recommendation-jobs: $job $listed"
echo "aws sagemaker describe-ai-recommendation-job: $job $described"
[ "$listed" = "Completed" ] && [ "$described" = "Completed" ]
