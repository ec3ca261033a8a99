// Which user pools and app clients a configuration names, for "Sign In...": pool ids from Cognito authorizers,
// pools and audiences from JWT authorizers' Cognito issuers, ALB client ids, and emulator pools (a loopback
// issuer such as cognito-local's http://127.0.0.1:9229/local_abc, whose API is at the issuer's origin).
import { parseCognitoIssuer, parseUserPoolId } from '../awsIdentifiers.ts';
import type { SimConfig } from '../config/model.ts';
import { emulatorPoolOfIssuer } from '../emulatorIssuer.ts';

export interface SignInTarget {
  poolId: string;
  /** App client ids the configuration names for this pool (JWT audiences, ALB client ids); may be empty. */
  clientIds: string[];
  /** The Cognito API for an emulator pool (loopback only); undefined means AWS's regional endpoint. */
  endpoint?: string;
  /** Authorizer names that mention the pool, for the picker. */
  authorizers: string[];
}

const MAX_TARGETS = 50;

/** Every pool (with its clients) the configurations name, deduplicated by pool and endpoint. */
export function signInTargets(configs: readonly SimConfig[]): SignInTarget[] {
  const byKey = new Map<string, SignInTarget>();
  const add = (
    poolId: string,
    endpoint: string | undefined,
    authorizer: string,
    clientIds: readonly string[],
  ): void => {
    const key = `${endpoint ?? 'aws'} ${poolId}`;
    let target = byKey.get(key);
    if (!target) {
      if (byKey.size >= MAX_TARGETS) return;
      target =
        endpoint === undefined
          ? { poolId, clientIds: [], authorizers: [] }
          : { poolId, clientIds: [], authorizers: [], endpoint };
      byKey.set(key, target);
    }
    if (!target.authorizers.includes(authorizer)) target.authorizers.push(authorizer);
    for (const clientId of clientIds)
      if (clientId !== '' && clientId.length <= 128 && !target.clientIds.includes(clientId))
        target.clientIds.push(clientId);
  };
  const addIssuer = (issuer: string, authorizer: string, clientIds: readonly string[]): void => {
    const cognito = parseCognitoIssuer(issuer);
    if (cognito) add(cognito.poolId, undefined, authorizer, clientIds);
    else {
      const emulator = emulatorPoolOfIssuer(issuer);
      if (emulator) add(emulator.poolId, emulator.endpoint, authorizer, clientIds);
    }
  };
  for (const config of configs) {
    for (const authorizer of Object.values(config.authorizers)) {
      const clients = [...(authorizer.audience ?? []), ...(authorizer.clientId ? [authorizer.clientId] : [])];
      for (const pool of authorizer.userPools ?? [])
        if (parseUserPoolId(pool)) add(pool, undefined, authorizer.name, clients);
      for (const issuer of authorizer.issuers ?? []) addIssuer(issuer, authorizer.name, clients);
      if (authorizer.issuer !== undefined) addIssuer(authorizer.issuer, authorizer.name, clients);
    }
  }
  return [...byKey.values()];
}
