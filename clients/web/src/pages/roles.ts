// What a role needs (Passport.RequiredCredentials), shared by the worker's
// hub (their own passport) and the employer's desk (a candidate's, with
// their permission): the role chooser and the answer in words.

import { create } from "@bufbuild/protobuf";
import {
  RequirementSchema, type RequiredCredentialsResponse,
} from "../gen/skillspassport/v1/passport_pb.js";
import { hex } from "../verify/index.js";
import { roleChecklists } from "./reference.js";
import { h, select } from "./ui.js";
import { requirement } from "./words.js";

export const roleField = (form: string) => select({ form, name: "checklist", label: "Role",
  hint: "What a new employer asks to see for this role", options: roleChecklists.map((c) => [c.id, c.title]) });

export const checklistOf = (id: string) => roleChecklists.find((c) => c.id === id)?.items
  .map((item) => create(RequirementSchema, { item }));

// The answer: what the passport already satisfies, and what is still needed.
export function roleAnswer(role: string, answer: RequiredCredentialsResponse, whose: "Your passport" | "This passport"):
  HTMLElement[] {
  const title = roleChecklists.find((c) => c.id === role)?.title ?? role;
  const list = (satisfied: boolean) => h("ul", { class: "nhsuk-list nhsuk-list--bullet" },
    ...answer.results.filter((r) => r.satisfied === satisfied).map((r) => h("li", {
      "data-satisfied": String(satisfied), "data-record-ids": r.recordIds.map(hex).join(",") },
      requirement(r.requirement?.item))));
  return [
    h("h3", { id: "role-heading", "data-satisfied": String(answer.satisfied), "data-still-needed": String(answer.stillNeeded) },
      `${title}: ${answer.satisfied} of ${answer.satisfied + answer.stillNeeded} already on ${whose.toLowerCase()}`),
    h("h4", {}, `${whose} already shows`), answer.satisfied ? list(true) : h("p", {}, "None of them yet."),
    h("h4", {}, "The new employer would still ask for"), answer.stillNeeded ? list(false) : h("p", {}, "Nothing: every item is met."),
  ];
}
