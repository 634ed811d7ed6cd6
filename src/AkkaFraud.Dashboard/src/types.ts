// Shapes of the node <-> dashboard contract (issue #6). All JSON is camelCase,
// times are ISO-8601 UTC strings. Enum values are displayed as the node sends them.

export type Decision = "approve" | "review" | "block" | (string & {});

export interface Reason {
  ruleId: string;
  kind: string;
  observed: number;
  limit: number;
  weight: number;
  message: string;
}

export interface Transaction {
  transactionId: string;
  accountId: string;
  eventTime: string;
  amount: number;
  currency: string;
  type: string;
  channel: string;
  merchantId?: string | null;
  merchantName?: string | null;
  merchantCategory?: string | null;
  counterpartyId?: string | null;
  country: string;
  latitude?: number | null;
  longitude?: number | null;
  deviceId?: string | null;
  score: number;
  decision: Decision;
  isFlagged: boolean;
  isDuplicate: boolean;
  reasons: Reason[];
  ruleSetVersion: number;
  partition: number;
  offset: number;
  ingestedAt: string;
  processedAt: string;
}

export interface Alert {
  alertId: string;
  transactionId: string;
  accountId: string;
  eventTime: string;
  amount: number;
  currency: string;
  merchantName?: string | null;
  country: string;
  channel: string;
  score: number;
  decision: Decision;
  reasons: Reason[];
  committedAt: string;
}

export interface RuleHit {
  ruleId: string;
  count: number;
}

export interface TopAccount {
  accountId: string;
  alerts: number;
  maxScore: number;
  lastAlertAt: string;
}

export interface MetricsSnapshot {
  at: string;
  scorerNodes: number;
  consumedPerSecond: number;
  scoredPerSecond: number;
  flaggedPerSecond: number;
  deadLetteredPerSecond: number;
  flagRate: number;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  consumerLag: number;
  totals: { scored: number; flagged: number; deadLettered: number };
  ruleHits: RuleHit[];
  topAccounts: TopAccount[];
  ingestGaps: number;
}

export type MemberStatus =
  | "up"
  | "joining"
  | "leaving"
  | "exiting"
  | "down"
  | "removed"
  | "weaklyup"
  | (string & {});

export interface Member {
  address: string;
  status: MemberStatus;
  roles: string[];
  reachable: boolean;
  isLeader: boolean;
  isOldest: boolean;
}

export interface AlertPage {
  items: Transaction[];
  next: string | null;
}

export interface AccountView {
  accountId: string;
  history: Transaction[];
  summary: Record<string, unknown> | null;
}

export interface SimulatorStatus {
  running: boolean;
  transactionsPerSecond: number;
  produced: number;
}

export const SCENARIOS = [
  "large-amount",
  "velocity-burst",
  "impossible-travel",
  "card-testing",
  "account-takeover",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface InjectResult {
  accountId: string;
  transactionIds: string[];
}
