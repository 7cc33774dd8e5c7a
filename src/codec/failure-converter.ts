import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces name object keys and batch ids, and they sit in histories
 * like any payload. With `encodeCommonAttributes` the SDK moves them into an encoded-attributes
 * payload (which the payload codec then encrypts) and leaves "Encoded failure" as the message.
 *
 * Loaded by path (`failureConverterPath`) so the workflow sandbox gets the same converter: this
 * module must stay free of Node APIs.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
