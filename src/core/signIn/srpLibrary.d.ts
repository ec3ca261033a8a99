// amazon-cognito-identity-js ships no types for its SRP internals; the wrapper in srp.ts narrows them at runtime.
declare module 'amazon-cognito-identity-js/lib/AuthenticationHelper.js' {
  const moduleValue: unknown;
  export default moduleValue;
}
declare module 'amazon-cognito-identity-js/lib/BigInteger.js' {
  const moduleValue: unknown;
  export default moduleValue;
}
