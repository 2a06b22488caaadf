// The passport service's API through the generated Connect client, on the
// page's own origin (a module of its own: the Verify page needs no API).

import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { Passport } from "../gen/skillspassport/v1/passport_pb.js";

export const passportService = () =>
  createClient(Passport, createConnectTransport({ baseUrl: location.origin, useBinaryFormat: true }));
