// QR codes: shown with lean-qr; read from the camera with the browser's
// BarcodeDetector where it has one, else jsQR (loaded only then) on video
// frames.

import { correction, generate } from "lean-qr";
import { h } from "./ui.js";

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

// ---- showing a code ----

// `text` as a QR code on a canvas (lean-qr; one pixel per module, scaled up
// by CSS), or undefined when it is too long for one code (version 40, L).
export function qrCode(text: string, label: string): HTMLCanvasElement | undefined {
  let code;
  try {
    code = generate(text, { minCorrectionLevel: correction.L });
  } catch {
    return undefined;
  }
  const canvas = document.createElement("canvas");
  canvas.className = "skp-qr";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  canvas.dataset.text = text;
  code.toCanvas(canvas, { pad: 4, on: [0, 0, 0, 255], off: [255, 255, 255, 255] }); // opaque: scannable on any background
  return canvas;
}

// ---- a scanner panel: a button that starts the camera, the video, a stop
// button and a status line; ids `${id}-start`, `${id}-box`, `${id}-video`,
// `${id}-stop`, `${id}-status` ----

export function scanner(id: string, o: { hint: string; wanted: (text: string) => boolean; found: (text: string) => void }):
  HTMLElement {
  const start = h("button", { class: "nhsuk-button nhsuk-button--secondary", id: `${id}-start`, type: "button",
    "aria-describedby": `${id}-hint` }, "Scan a QR code");
  const video = h("video", { class: "skp-scanner", id: `${id}-video`, muted: "", playsinline: "",
    "aria-label": "What the camera sees" }) as HTMLVideoElement;
  const stopButton = h("button", { class: "nhsuk-button nhsuk-button--secondary", id: `${id}-stop`, type: "button" },
    "Stop scanning");
  const box = h("div", { id: `${id}-box`, hidden: "" }, video, stopButton);
  const status = h("p", { class: "nhsuk-body-s", id: `${id}-status`, role: "status" });
  let stop: (() => void) | undefined;
  const end = () => {
    status.textContent = "";
    stop?.();
    stop = undefined;
    box.hidden = true;
    start.hidden = false;
    start.focus();
  };
  start.addEventListener("click", async () => {
    box.hidden = false;
    start.hidden = true;
    status.textContent = "Point the camera at the QR code.";
    try {
      stop = await scan(video, o.wanted, (text) => {
        end();
        o.found(text);
      });
    } catch (error) {
      end();
      status.textContent = `The camera could not be started (${(error as Error).message}). Paste the text instead.`;
    }
  });
  stopButton.addEventListener("click", end);
  return h("div", { class: "nhsuk-form-group" }, h("p", { class: "nhsuk-body", id: `${id}-hint` }, o.hint), start, box, status);
}
