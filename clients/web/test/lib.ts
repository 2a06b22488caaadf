// What the Node tests import (bundled by `node build.mjs --lib` into
// .build/lib.mjs): the verifier, the generated message types and the
// @bufbuild/protobuf functions to make and print them.
export * from "../src/verify/index.js";
export * from "../src/gen/skillspassport/v1/passport_pb.js";
export * from "../src/gen/skillspassport/v1/records_pb.js";
export { create, fromBinary, toBinary, toJson } from "@bufbuild/protobuf";
// The node's gRPC API, as the agreement test's third opinion.
export { createClient } from "@connectrpc/connect";
export { createGrpcTransport } from "@connectrpc/connect-node";
