// What a run refuses, as domain errors the host and the CLI report in their own terms.
import { DomainError } from '../../contract/domain-error';

export class RunBusyError extends DomainError {
  constructor(message: string) {
    super({ code: 'busy', message });
  }
}
export class RunNotFoundError extends DomainError {
  constructor(message: string) {
    super({ code: 'not_found', message });
  }
}
export class RunDataError extends DomainError {
  constructor(message: string) {
    super({ code: 'invalid_input', field: 'config.data', message });
  }
}
