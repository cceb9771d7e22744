#!/usr/bin/env python3
"""Write Tests/VisageTests/Fixtures/golden_lite.json from the reference pipeline.

The Swift tests run their own pipeline on the same images (found under the
shared/ folder) and compare boxes, landmarks and embeddings with this file.
The image list is fixed so the fixture only changes when the contract does.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_pipeline as ref  # noqa: E402

DEFAULT_SHARED = os.path.join(ref.REPO_ROOT, "..", "shared")
DEFAULT_OUT = os.path.join(ref.REPO_ROOT, "Tests", "VisageTests", "Fixtures", "golden_lite.json")

# Relative to shared/. Different people, mostly frontal, chosen to exercise
# every branch of the detection contract: strong downscale (INTER_AREA),
# upscale (INTER_LINEAR, scale > 1), square/portrait/landscape letterboxes,
# an RGBA PNG, an EXIF-rotated JPEG, a progressive JPEG with 3 faces.
# All faces here score well above the 0.6 threshold, so small numeric
# differences between implementations cannot add or drop a face.
GOLDEN_IMAGES = [
    "testdata/faces_identity/deepface/img1.jpg",            # Angelina Jolie, 1382x1868, downscale
    "testdata/faces_identity/deepface/img29.jpg",           # Matt Damon, 600x800
    "testdata/faces_identity/deepface/img18.jpg",           # Elon Musk, 1200x1200 square
    "testdata/faces_identity/deepface/img12.jpg",           # Jennifer Aniston, 560x415, upscale
    "testdata/faces_identity/deepface/img25.jpg",           # Sundar Pichai, 400x400, upscale
    "testdata/faces_identity/deepface/img49.jpg",           # Scarlett Johansson, 4352x2903, large
    "testdata/faces_identity/face_recognition/examples/obama-240p.jpg",  # small face, upscale
    "testdata/faces_identity/face_recognition/examples/lin-manuel-miranda.png",  # RGBA PNG
    "testdata/faces_identity/face_recognition/examples/knn_examples/train/kit_harington/john2.jpeg",
    "testdata/faces_identity/insightface/inspireface_test_res/RD/d2.jpeg",  # Robert Downey Jr
    "testdata/faces_identity/insightface/inspireface_test_res/bulk/Rob_Lowe_0001.jpg",  # LFW 250x250
    "testdata/faces_identity/insightface/inspireface_test_res/bulk/image_T1.jpeg",  # EXIF rotation
    "testdata/faces_identity/facenet-pytorch/test_images_aligned/bradley_cooper/1.png",  # 160x160, 4x up
    "testdata/faces_group/face_recognition_obama_and_biden.jpg",  # 3 faces, progressive JPEG
]

DECIMALS = 6


def rounded(values):
    return [round(float(v), DECIMALS) for v in values]


def fixture_face(face):
    return {
        "bbox": rounded(face["bbox"]),
        "confidence": round(face["confidence"], DECIMALS),
        "landmarks": {k: rounded(v) for k, v in face["landmarks"].items()},
        "embedding": rounded(face["embedding"]),
    }


def build(shared, models):
    det, emb = ref.load_models(models, threads=1)  # 1 thread: most reproducible
    images = []
    for rel in GOLDEN_IMAGES:
        rec = ref.process_image(os.path.join(shared, rel), det, emb, True)
        if "error" in rec:
            raise SystemExit(f"cannot decode {rel}")
        images.append({
            "path": rel,
            "width": rec["width"],
            "height": rec["height"],
            "faces": [fixture_face(f) for f in rec["faces"]],
        })
    return {
        "generated_by": "scripts/reference/reference_pipeline.py via make_golden.py "
                        f"(onnxruntime {ref.ort.__version__}, opencv {ref.cv2.__version__}, "
                        "cv2.imread IMREAD_COLOR, YuNet letterbox top-left 640, "
                        "score>=0.6, NMS IoU 0.3, Umeyama 5-point ArcFace alignment, BGR (x-127.5)/128)",
        "detector": ref.DETECTOR_FILE,
        "embedder": ref.EMBEDDER_FILE,
        "images": images,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=DEFAULT_SHARED, help="the shared/ folder (testdata/)")
    ap.add_argument("--models", default=None, help="model dir (default: SHARED/models)")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    models = args.models or os.path.join(args.shared, "models")
    golden = build(args.shared, models)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    n_faces = sum(len(i["faces"]) for i in golden["images"])
    print(f"wrote {args.out}: {len(golden['images'])} images, {n_faces} faces, "
          f"{os.path.getsize(args.out) // 1024} KB")


if __name__ == "__main__":
    main()
