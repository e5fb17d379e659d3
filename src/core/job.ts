import type { ImageSource } from './ports';

/** What an image is, for validation and commit ordering. */
export type ImageKind = 'bootloader' | 'partition-table' | 'otadata' | 'app' | 'mcuboot' | 'raw';

/** One image of a job: where its bytes come from and where they go. */
export interface ImageSpec {
  name: string;
  source: ImageSource;
  /** Absolute flash address; multiple of 4096. */
  destination: number;
  /**
   * Bytes reserved at `destination` (a partition's size, the bootloader's room
   * before the table). Defaults to the image size rounded up to 4 KiB.
   */
  regionSize?: number;
  /** Exact byte size; required for URL sources that do not announce one. */
  size?: number;
  /** Lower-case hex SHA-256 of the image bytes. */
  sha256?: string;
  kind?: ImageKind;
}

export interface JobSpec {
  images: ImageSpec[];
  /** Label of the partition to stage through; default: an OTA app slot chosen by the rules. */
  staging?: string;
  /** Stage every image, even those whose destination is free (esp-self-reflasher's behaviour). */
  forceStaging?: boolean;
}

/** How the job ended, for the app's log and the CLI's report. */
export interface JobResult {
  images: Array<{
    name: string;
    destination: number;
    size: number;
    sha256: string;
    staged: boolean;
    /** Sectors left alone because they already held the right bytes. */
    sectorsSkipped: number;
    sectorsWritten: number;
  }>;
  /** Label of the staging partition used, if any. */
  staging: string | undefined;
  elapsedMs: number;
}
