/** What a release is compared by (PEP 440's order): epoch, release, pre-release, post-release, dev release. */
type Key = number[][]

const PHASES: Record<string, number> = {a: 1, alpha: 1, b: 2, beta: 2, c: 3, pre: 3, preview: 3, rc: 3}
const PEP440 =
  /^(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(?:post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?$/

/**
 * The sort key of a version: a PEP 440 version as the control plane writes its
 * `min_llamactl_version` (`0.3.0a13`, `1.0rc1`, `2.0.post1`, `1.0.dev2`), or a semver one as npm
 * writes a host CLI's (`1.2.0-beta.1`: a suffix PEP 440 doesn't know is a pre-release below `a`).
 * A leading `v` and a `+local` part are ignored.
 */
function keyOf(version: string): Key {
  const v = version.trim().toLowerCase().replace(/^v/, '').split('+')[0]
  const m = PEP440.exec(v)
  if (!m) {
    const release = /^\d+(?:\.\d+)*/.exec(v)?.[0] ?? '0'
    return [[0], numbers(release), v.length > release.length ? [0, 0] : [Infinity], [-Infinity], [Infinity]]
  }

  const [, epoch, release, phase, pre, postDash, post, dev] = m
  const hasPost = postDash !== undefined || post !== undefined
  return [
    [Number(epoch ?? 0)],
    numbers(release),
    // A dev release of a final version comes before its pre-releases (1.0.dev0 < 1.0a1 < 1.0).
    phase ? [PHASES[phase], Number(pre || 0)] : dev !== undefined && !hasPost ? [-Infinity] : [Infinity],
    hasPost ? [Number(postDash ?? (post || 0))] : [-Infinity],
    dev === undefined ? [Infinity] : [Number(dev || 0)],
  ]
}

/** Release numbers without trailing zeros (1.0 == 1.0.0). */
function numbers(release: string): number[] {
  const parts = release.split('.').map(Number)
  while (parts.length > 1 && parts.at(-1) === 0) parts.pop()
  return parts
}

function compareParts(x: number[], y: number[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? 0, y[i] ?? 0]
    if (p !== q) return p < q ? -1 : 1
  }

  return 0
}

/** Compares two versions in PEP 440's order (`0.3.0a13` < `0.3.0` < `0.3.0.post1`; `1.2.10` > `1.2.9`). */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [keyOf(a), keyOf(b)]
  for (let i = 0; i < x.length; i++) {
    const d = compareParts(x[i], y[i])
    if (d !== 0) return d
  }

  return 0
}

// Where the running llamactl's version comes from lives in the model: every command needs it at start-up.
export {llamactlVersion, type LlamactlManifest} from '../model.js'
