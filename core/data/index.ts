/**
 * The data layer's public surface, for the lab service, CLI and trainers. Import from here rather
 * than from individual reader modules, which may be reorganised.
 */
export { DatasetError, parseIdx, readIdxFile } from './idx';
export { loadMnist, type LabelledImages } from './mnist';
export { loadCifar, parseCifarBatch, readCifarBatch, type CifarBatch, type CifarVariant } from './cifar';
export { decodeImage, loadImage, scanImageFolder, toTensor, type ImageFolderIndex, type ImageOptions } from './imageFolder';
export {
  EventFileError,
  summarizeEvents,
  sliceEvents,
  type EventErrorReason,
  type EventFormat,
  type EventRecording,
  type EventStream,
  type EventSummary,
} from './events/types';
export { detectEventFormat, isEventFileName, parseEventBytes, readEventFile, readEventFileSync, EVENT_EXTENSIONS, type ReadEventOptions } from './events/detect';
export { streamEventFile, type StreamOptions } from './events/stream';
export { parseGestureLabels, sliceByLabels, type GestureLabel } from './events/aedat3';
export { classCounts, scanEventDataset, EventSampleReader, type EventDatasetIndex, type EventLayout, type EventSample, type ScanOptions } from './eventDatasets';
export { EventFrameLoader, shuffled, splitSamples, type EventBatch, type EventLoaderOptions } from './eventLoader';
export { WorkerEventLoader } from './workerLoader';
export { FrameCache } from './frameCache';
export { inspectEventPath, type FileInspection, type FolderInspection } from './inspect';
export { framesToPng } from './framePng';
export { sliceIndices, toFrames, TransformError, type FrameOptions, type FrameSlicing, type Frames } from './transforms/toFrame';
export { applyPipeline, buildPipeline, compose, isRandomPipeline, makeTransform, type EventTransform, type EventTransformSpec } from './transforms/pipeline';
export { centerCrop, crop, denoise, dropEvents, refractory } from './transforms/filters';
export { downsample, flip, timeJitter } from './transforms/geometry';
export { timeSurfaces, voxelGrid, type FloatFrames } from './transforms/surfaces';
export { imageToEvents, normalizeBytes } from './transforms/imageToSpikes';
