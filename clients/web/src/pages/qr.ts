// Reads a QR code from the camera: the browser's BarcodeDetector where it has
// one, else jsQR (loaded only then) on video frames.

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
declare const BarcodeDetector: {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
} | undefined;

type Decoder = (video: HTMLVideoElement) => Promise<string | undefined>;

async function decoder(): Promise<Decoder> {
  if (typeof BarcodeDetector !== "undefined" && (await BarcodeDetector.getSupportedFormats()).includes("qr_code")) {
    const detector = new BarcodeDetector({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video))[0]?.rawValue;
  }
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    if (!context || !video.videoWidth) return undefined;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height)?.data;
  };
}

// Starts the camera in `video` and calls `found` with the first QR code's
// text that `wanted` accepts. Returns the function that stops scanning.
export async function scan(
  video: HTMLVideoElement, wanted: (text: string) => boolean, found: (text: string) => void,
): Promise<() => void> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  let stopped = false;
  const stop = () => {
    stopped = true;
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  try {
    video.srcObject = stream;
    await video.play();
    const decode = await decoder();
    const look = async () => {
      if (stopped) return;
      const text = await decode(video).catch(() => undefined);
      if (text !== undefined && wanted(text)) {
        stop();
        found(text);
      } else {
        setTimeout(look, 150);
      }
    };
    void look();
  } catch (error) {
    stop();
    throw error;
  }
  return stop;
}
