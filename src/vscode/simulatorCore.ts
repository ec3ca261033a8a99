// The simulator half of the core, bundled apart (dist/simulatorCore.js) and loaded on first use: it carries the
// YAML parser and the infrastructure readers, which hovers and the Inspector never need.
export { looksLikeInfrastructure } from '../core/iac/index.ts';
export { isAuthdebugFile, loadConfig } from '../core/iac/loadConfig.ts';
export { simulate } from '../core/simulate/simulate.ts';
export { buildBackendEvent } from '../core/simulate/backendEvent.ts';
export { answerChallenge, refreshTokens, signIn } from '../core/signIn/signIn.ts';
// The local gateway (node:http servers in the extension host), started from the Simulator view's title bar.
export { startGateway } from '../cli/gatewayServer.ts';
export { albAuthorizersWithoutIdp } from '../core/gateway/decide.ts';
export {
  checkCognitoEndpoint,
  cognitoCall,
  cognitoEndpointForPool,
  createJsonPost,
} from '../core/signIn/cognitoHttp.ts';
export { signInTargets } from '../core/signIn/targets.ts';
export { explainExchange, parseExchange, requestToken } from '../core/explain/response.ts';
export { matchRoute } from '../core/simulate/routeMatch.ts';
