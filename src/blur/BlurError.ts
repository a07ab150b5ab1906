/** Why a decode, blur or encode could not be done; `code` is stable, `message` is for people. */
export type BlurErrorCode =
  | 'empty-file'
  | 'not-an-image'
  | 'corrupt-image'
  | 'too-large'
  | 'invalid-argument'
  | 'unsupported'
  | 'encode-failed'
  | 'worker-failed';

/** Facts for the message and for code that handles the error (sizes, limits, types). */
export type BlurErrorDetails = Record<string, string | number | undefined>;

const messages: Record<BlurErrorCode, (details: BlurErrorDetails) => string> = {
  'empty-file': () => 'The file is empty.',
  'not-an-image': (d) =>
    `The file is not an image this browser can read (${d.type || 'unknown type'}).`,
  'corrupt-image': (d) =>
    `The image data is damaged and cannot be decoded${d.reason ? `: ${d.reason}` : ''}.`,
  'too-large': (d) =>
    `The image is ${String(d.width)}×${String(d.height)} (${megapixels(d.pixels)} MP), above the limit of ${megapixels(d.maxPixels)} MP.`,
  'invalid-argument': (d) => `Invalid argument: ${String(d.reason)}.`,
  unsupported: (d) => `This browser cannot ${String(d.what)}.`,
  'encode-failed': (d) => `The image could not be saved as ${String(d.type)}.`,
  'worker-failed': (d) => `The blur worker stopped unexpectedly${d.reason ? `: ${d.reason}` : ''}.`,
};

function megapixels(value: string | number | undefined): string {
  return (Number(value) / 1e6).toFixed(1);
}

export class BlurError extends Error {
  override readonly name = 'BlurError';

  constructor(
    readonly code: BlurErrorCode,
    readonly details: BlurErrorDetails = {},
  ) {
    super(messages[code](details));
  }
}
