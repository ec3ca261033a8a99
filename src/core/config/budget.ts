// A work budget for reading one template: parsing and intrinsic resolution share it, so a small hostile file
// (YAML alias bomb, fanned-out Conditions, nested Fn::Sub) stops with a finding instead of freezing the host.

/** The caps; real templates stay orders of magnitude below them. */
export interface ReadLimits {
  /** Document nodes, each alias counted at the expanded size of what it points at. */
  maxNodes: number;
  /** Nesting of the document and of intrinsic resolution. */
  maxDepth: number;
  /** Intrinsic resolution steps (values visited, conditions evaluated, substitutions made). */
  maxSteps: number;
  /** Characters of the strings resolution produces or hands on (a memory bound: aliases share, outputs don't). */
  maxChars: number;
}

export const READ_LIMITS: Readonly<ReadLimits> = {
  maxNodes: 1_000_000,
  maxDepth: 128,
  maxSteps: 2_000_000,
  maxChars: 16_000_000,
};

/** Thrown inside the reader when a limit is hit; the entry point turns it into a finding naming the file. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

/** What one file has spent so far (tests read the counters to show the work stayed bounded). */
export class ReadBudget {
  nodes = 0;
  steps = 0;
  chars = 0;
  deepest = 0;

  constructor(readonly limits: Readonly<ReadLimits> = READ_LIMITS) {}

  /** Count document nodes (an alias adds the expanded size of its target). */
  addNodes(count: number): void {
    this.nodes += count;
    if (this.nodes > this.limits.maxNodes) {
      throw new BudgetExceeded(
        `the document expands to more than ${this.limits.maxNodes.toLocaleString('en-US')} nodes (YAML aliases count at their expanded size)`,
      );
    }
  }

  /** Count one resolution step. */
  step(): void {
    if (++this.steps > this.limits.maxSteps) {
      throw new BudgetExceeded(
        `resolving its intrinsic functions takes more than ${this.limits.maxSteps.toLocaleString('en-US')} steps (nested Conditions, Fn::Sub variables or aliased values fan out)`,
      );
    }
  }

  /** Count the characters of a string resolution produces, before building it where possible. */
  addChars(count: number): void {
    this.chars += count;
    if (this.chars > this.limits.maxChars) {
      throw new BudgetExceeded(
        `its intrinsic functions build more than ${this.limits.maxChars.toLocaleString('en-US')} characters of text (Fn::Sub, Fn::Join or aliased strings multiply)`,
      );
    }
  }

  /** Check a nesting depth against the cap. */
  enter(depth: number, what: 'document' | 'resolution'): void {
    if (depth > this.deepest) this.deepest = depth;
    if (depth > this.limits.maxDepth) {
      throw new BudgetExceeded(
        what === 'document'
          ? `it nests deeper than ${this.limits.maxDepth} levels`
          : `its intrinsic functions nest deeper than ${this.limits.maxDepth} levels`,
      );
    }
  }
}
