export { type Credential, type SignedRequest, SigV4Error, SigV4Verifier, type VerifiedCaller, type VerifierOptions } from './verify.js';
