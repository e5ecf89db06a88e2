/** What a cast did to the values, accumulated over the windows of one tensor. */
export interface CastStats {
  elements: number;
  /** NaNs in the source (they stay NaN). */
  nans: number;
  /** Finite source values that became ±inf. */
  overflowToInfinity: number;
  /** Non-zero source values that became ±0. */
  underflowToZero: number;
  /** Integers outside the target range (they wrap, as numpy's astype does). */
  outOfRange: number;
  /** Largest |converted − source| over finite values that stayed finite. */
  maxAbsoluteError: number;
  /** Largest |converted − source| / |source| over finite non-zero values that stayed finite. */
  maxRelativeError: number;
}
