/**
 * The faults the local EventBridge reports to callers. Each class is named after the AWS error
 * code it stands for, so the HTTP layer can send `name` as `__type` and the SDK rebuilds the
 * matching exception class.
 */

/** A fault the caller caused: answered with HTTP 400. */
export abstract class ClientFault extends Error {
  abstract override readonly name: string;
  readonly httpStatus: number = 400;
}

export class ValidationException extends ClientFault {
  override readonly name = "ValidationException";
}

export class InvalidEventPatternException extends ClientFault {
  override readonly name = "InvalidEventPatternException";
}

export class ResourceNotFoundException extends ClientFault {
  override readonly name = "ResourceNotFoundException";
}

export class ResourceAlreadyExistsException extends ClientFault {
  override readonly name = "ResourceAlreadyExistsException";
}

export class LimitExceededException extends ClientFault {
  override readonly name = "LimitExceededException";
}

export class UnknownOperationException extends ClientFault {
  override readonly name = "UnknownOperationException";
}

export class SerializationException extends ClientFault {
  override readonly name = "SerializationException";
}
