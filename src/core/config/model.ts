// The simulator's configuration model: what authdebug.yaml says, and what infrastructure files are read into.
import type { Warning } from '../findings.ts';

export type AuthorizerType = 'cognito' | 'jwt' | 'lambda' | 'alb';
export type RouteAuthorizerType = AuthorizerType | 'iam' | 'none';

/** Where a route or authorizer was declared, for "jump to source" and error messages. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One authorizer, named as in the config. Keys mirror authdebug.yaml; unused keys stay undefined. */
export interface AuthorizerConfig {
  name: string;
  type: AuthorizerType;
  /** cognito: trusted user pool ids (e.g. us-east-1_AbC123); `issuers` may list full issuer URLs instead. */
  userPools?: string[];
  issuers?: string[];
  /** Header carrying the token (cognito/jwt/lambda). Default Authorization. */
  identitySource?: string;
  /**
   * Every identity source as an AWS mapping expression (`method.request.header.X`, `$request.querystring.q`...):
   * REQUEST authorizers may list several, and any one missing means 401 without invoking the function.
   */
  identitySources?: string[];
  /** cognito: optional token validation regex (API Gateway `IdentityValidationExpression`). */
  validationRegex?: string;
  /** jwt: expected issuer and audiences. alb: the IdP the authenticate-* action names (gateway session check). */
  issuer?: string;
  audience?: string[];
  /** Explicit JWKS URL; Cognito issuers derive it. http allowed on loopback only. */
  jwks?: string;
  /** lambda: name of a cognito/jwt authorizer the token must pass first. */
  verify?: string;
  /** lambda: the policy document (or full authorizer output) the function returns. */
  policy?: unknown;
  /** lambda: context the function returns (values delivered as strings). */
  context?: Record<string, unknown>;
  /** lambda: authorizer result cache TTL, seconds (0 = off; API Gateway default 300). */
  resultTtlSeconds?: number;
  /** lambda: TOKEN or REQUEST event (REST), or the HTTP API payload version. */
  lambdaType?: 'TOKEN' | 'REQUEST';
  /** lambda (HTTP API): payload format version ('1.0' or '2.0') and whether `{isAuthorized}` simple responses are enabled. */
  payloadFormatVersion?: string;
  enableSimpleResponses?: boolean;
  /** alb: expected load balancer ARN (the blob's `signer`), app client id, behaviour without a session. */
  albArn?: string;
  clientId?: string;
  onUnauthenticatedRequest?: 'authenticate' | 'deny' | 'allow';
  /** alb: key endpoint base URL override. */
  keyUrl?: string;
  /** alb: where the 302 goes (the IdP's authorize endpoint), when known. */
  authorizationEndpoint?: string;
  /** Scopes declared on the authorizer itself (SAM `AuthorizationScopes` default for its routes). */
  scopes?: string[];
  /** Values that could not be resolved from infrastructure code, by key, shown as placeholders. */
  placeholders?: Record<string, string>;
  source?: SourceRef;
}

/** RBAC rules the backend (or a Lambda authorizer) applies once the authorizer allowed. */
export interface RbacPolicy {
  /** Any one of these in `cognito:groups`. */
  groups?: string[];
  /** All of these in `cognito:groups`. */
  allGroups?: string[];
  /** Any one of these in `scope`/`scp`. */
  scopes?: string[];
  /** Claim name -> exact value or list of allowed values. */
  claims?: Record<string, string | string[]>;
}

/** Which front door a route belongs to: decides the no-match response and the backend context shape. */
export type ApiKind = 'rest' | 'http' | 'alb';

/** One route the simulator can match a request against. */
export interface RouteConfig {
  /** As written: "GET /orders/{id}", "ANY /{proxy+}", "$default", "GET /static/*" for ALB. */
  route: string;
  /** Upper-case verb, "ANY" for any method, or "$default". */
  method: string;
  /** Path template; "$default" for the HTTP API catch-all. */
  path: string;
  /** Name of the API (logical id in infrastructure code); undefined for authdebug.yaml's single API. */
  api?: string;
  apiKind?: ApiKind;
  /** Authorizer name, or null for none / IAM. */
  authorizer: string | null;
  authorizerType: RouteAuthorizerType;
  scopes: string[];
  rbac?: RbacPolicy;
  /** A CORS preflight method generated for the API's CORS settings (SAM `Cors`): a MOCK integration answers it. */
  preflight?: boolean;
  source?: SourceRef;
}

/**
 * CORS as an API declares it: HTTP API `CorsConfiguration` (API Gateway answers preflights itself), or for REST
 * the headers the OPTIONS mock methods return (SAM `Cors`, the console's "Enable CORS").
 */
export interface CorsSettings {
  /** `*`, exact origins, or `https://*` / `http://*` (HTTP API). */
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge?: number;
  source?: SourceRef;
}

/**
 * A REST gateway response customisation (`GatewayResponses`, `AWS::ApiGateway::GatewayResponse`,
 * `x-amazon-apigateway-gateway-responses`): extra headers (mapping expressions such as `'*'` or
 * `method.request.header.origin`) and an optional status for one response type (`DEFAULT_4XX`, `UNAUTHORIZED`...).
 */
export interface GatewayResponseSettings {
  statusCode?: number;
  headers: Record<string, string>;
  source?: SourceRef;
}

/** API coordinates used to build method ARNs for Lambda policies. */
export interface ApiCoordinates {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  kind?: ApiKind;
  cors?: CorsSettings;
  /** Response type -> customisation (REST APIs). */
  gatewayResponses?: Record<string, GatewayResponseSettings>;
}

/** The whole simulator configuration, from authdebug.yaml or read out of infrastructure files. */
export interface SimConfig {
  version: 1;
  file: string;
  defaults: { region: string; clockSkewSeconds: number };
  api: ApiCoordinates;
  /** Per-API coordinates keyed by `RouteConfig.api`, when infrastructure code declares several APIs. */
  apis?: Record<string, ApiCoordinates>;
  authorizers: Record<string, AuthorizerConfig>;
  routes: RouteConfig[];
  /** Traps and unresolved values noticed while reading (a scope-less Cognito method, scopes on Lambda...). */
  warnings: Warning[];
}
