// ALB (OIDC) authorizers in authdebug.yaml: the signing load balancer, the key URL, unauthenticated handling, and
// the IdP the authenticate-oidc / authenticate-cognito action names (issuer + jwks), which `authdbg gateway` checks
// the user's session (ID token) against.
import { isAlbArn, isCognitoIssuer } from '../awsIdentifiers.ts';
import { trimTrailingSlashes } from '../textScan.ts';
import type { AuthorizerConfig } from './model.ts';
import type { At, Reader } from './yamlReader.ts';

export function readAlb(reader: Reader, path: string, line: number, config: AuthorizerConfig, at: At): void {
  const arn = at('albArn');
  if (!arn) reader.errorAt(line, `${path}.albArn is required: the blob's signer must be checked against it`);
  else {
    const value = reader.str(arn.value, `${path}.albArn`, arn.line);
    if (value !== undefined && !isAlbArn(value)) {
      reader.error(
        arn.value,
        `${path}.albArn must be an application load balancer ARN (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID)`,
      );
    } else if (value !== undefined) config.albArn = value;
  }
  const on = at('onUnauthenticatedRequest');
  if (on) {
    const value = reader.oneOf(
      on.value,
      `${path}.onUnauthenticatedRequest`,
      ['authenticate', 'deny', 'allow'] as const,
      on.line,
    );
    if (value !== undefined) config.onUnauthenticatedRequest = value;
  }
  const keyUrl = at('keyUrl');
  if (keyUrl) {
    const value = reader.url(keyUrl.value, `${path}.keyUrl`, keyUrl.line, true);
    if (value !== undefined) config.keyUrl = trimTrailingSlashes(value);
  }
  const endpoint = at('authorizationEndpoint');
  if (endpoint) {
    const value = reader.url(endpoint.value, `${path}.authorizationEndpoint`, endpoint.line, false);
    if (value !== undefined) config.authorizationEndpoint = value;
  }
  const issuer = at('issuer');
  if (issuer) {
    const value = reader.url(issuer.value, `${path}.issuer`, issuer.line, false);
    if (value !== undefined) {
      config.issuer = value;
      // Like a jwt authorizer: only a Cognito issuer derives its key URL; any other IdP names its JWKS.
      const derived = isCognitoIssuer(value);
      if (!derived && config.jwks === undefined) {
        reader.errorAt(
          issuer.line,
          `${path}.jwks is required: ${config.issuer} is not a Cognito user pool issuer, so its key URL is not derived`,
        );
      }
    }
  } else if (config.jwks !== undefined) {
    reader.errorAt(line, `${path}.jwks names the IdP's keys, so ${path}.issuer is required with it`);
  }
}
