// Routes without a token authorizer: AWS_IAM (SigV4, never a bearer token) and none (every request forwarded).
import type { ApiKind, RouteConfig } from '../config/model.ts';
import { forbidden } from './awsResponses.ts';
import type { SimulationResult } from './result.ts';
import type { Run } from './run.ts';
import { rbacAfterAllow } from './run.ts';

/** No authorizer: API Gateway forwards the request; only the backend's RBAC can refuse. */
export function simulateNoAuthorizer(run: Run, route: RouteConfig): SimulationResult {
  run.add('authorizer', 'skip', 'the route has no authorizer: API Gateway forwards every request');
  return rbacAfterAllow(run, route, {}, {}, 'no claims (no authorizer)');
}

/** AWS_IAM: a bearer token never satisfies SigV4, so the request is refused before any backend. */
export function simulateIam(run: Run, kind: ApiKind): SimulationResult {
  run.add(
    'authorizer',
    'fail',
    'AWS_IAM authorization needs a SigV4-signed request; a bearer token never satisfies it',
  );
  const reply =
    kind === 'rest'
      ? {
          ...forbidden(kind),
          body: JSON.stringify({ message: 'Missing Authentication Token' }),
          headers: { 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' },
        }
      : forbidden(kind);
  return run.deny(reply, 'iam');
}
