// The signer: records, entries, access tokens and presentations made in the
// browser with WebCrypto keys, byte for byte as the C++ client makes them.
export * from "./keys.js";
export * from "./record.js";
export * from "./token.js";
export * from "./presentation.js";
export * from "./enrolment.js";
