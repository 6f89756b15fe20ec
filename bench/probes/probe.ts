/** A physical limit of this machine, measured at the start and the end of every run. */
export interface ProbeFigure {
  /** Stable key: `tcpRttP50Us`; targets may refer to it. */
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** BENCHMARKS.md's figure for the reference machine, printed beside ours. */
  readonly reference: string;
}

export interface Probe {
  readonly name: string;
  /** Runs for about `budgetMs` (each figure it yields gets a share). */
  run(budgetMs: number): Promise<ProbeFigure[]>;
}
