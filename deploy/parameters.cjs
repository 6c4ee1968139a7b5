// The parameters a deploy must be given: read once here, so that packaging without one fails with
// a message naming it instead of the framework's generic unresolved-variable error.
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

module.exports = async ({ resolveVariable }) => {
  // The fallback keeps the framework's own retry while the stage is still being resolved.
  const sagemakerRoleArn = await resolveVariable("param:sagemakerRoleArn, null");
  if (typeof sagemakerRoleArn !== "string" || sagemakerRoleArn === "") {
    throw new Error(
      'The sagemakerRoleArn parameter is required: pass --param="sagemakerRoleArn=arn:aws:iam::<account>:role/<role>", the role SageMaker assumes to run Inference Recommender jobs (docs/deploy.md).',
    );
  }
  if (!ROLE_ARN.test(sagemakerRoleArn)) {
    throw new Error(
      `The sagemakerRoleArn parameter must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>); got "${sagemakerRoleArn}".`,
    );
  }
  return { sagemakerRoleArn };
};
