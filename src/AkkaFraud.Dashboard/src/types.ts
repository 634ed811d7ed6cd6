// The node <-> dashboard contract, named for the dashboard. Every shape comes from src/generated/openapi.ts, which the
// build generates from openapi/v1.json, the node's OpenAPI document (a test of the node fails when the committed copy
// differs from what the node serves): change a shape in the node's Contracts/, never here. The live hub's payloads
// (AlertDto, MetricsSnapshot, MemberDto) are in that document too. JSON is camelCase, times are ISO-8601 UTC strings,
// enum values are shown as the node sends them.
import type { components } from "./generated/openapi";

type Schemas = components["schemas"];

export type Reason = Schemas["ReasonDto"];
export type Transaction = Schemas["TransactionDto"];
export type Alert = Schemas["AlertDto"];
export type MetricsSnapshot = Schemas["MetricsSnapshot"];
export type RuleHit = MetricsSnapshot["ruleHits"][number];
export type TopAccount = MetricsSnapshot["topAccounts"][number];
export type Member = Schemas["MemberDto"];
export type ClusterMembers = Schemas["ClusterMembersDto"];
export type ClusterNodes = Schemas["ClusterNodesDto"];
export type ClusterPartitions = Schemas["ClusterPartitionsDto"];
export type ClusterEvent = Schemas["ClusterEventDto"];
export type MemberOperation = Schemas["MemberOperationDto"];
export type DeadLetterPage = Schemas["DeadLetterPageDto"];
export type DeadLetterSummary = Schemas["DeadLetterSummaryDto"];
export type DeadLetter = Schemas["DeadLetterDto"];
export type ReplayResult = Schemas["ReplayResponse"];
export type AlertPage = Schemas["AlertPageDto"];
export type AccountView = Schemas["AccountDto"];
export type SimulatorStatus = Schemas["SimulatorStatusDto"];
export type InjectResult = Schemas["InjectResponse"];
export type AuditPage = Schemas["AuditPageDto"];
export type AuditRecord = Schemas["AuditRecordDto"];
export type BacktestResult = Schemas["BacktestResultDto"];
export type BacktestRequest = Schemas["BacktestRequest"];
export type RuleBookEntry = Schemas["RuleBookEntryDto"];
export type RuleChange = Schemas["RuleChangeDto"];
export type RuleHistory = Schemas["RuleHistoryDto"];
export type RuleSetDiff = Schemas["RuleSetDiffDto"];
export type RuleDifference = Schemas["RuleDifferenceDto"];
export type SettingDifference = Schemas["SettingDifferenceDto"];

// The roles, least first: each may do what the ones before it may, and more.
export const ROLES = ["viewer", "analyst", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** GET /api/me: csrfToken is set when the request came with the session cookie. */
export type Me = Schemas["WhoAmIDto"];

/** POST /api/session's answer; the session itself is an HttpOnly cookie the page never sees. */
export type Session = Schemas["SessionDto"];

// The simulator's scenario codes: the document types InjectRequest.scenario as a string (the node answers 400 with
// the valid codes for any other), so the list for the select box is kept here.
export const SCENARIOS = [
  "large-amount",
  "velocity-burst",
  "impossible-travel",
  "card-testing",
  "account-takeover",
  "mule-pass-through",
] as const;
export type Scenario = (typeof SCENARIOS)[number];
