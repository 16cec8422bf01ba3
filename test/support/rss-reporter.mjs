// Preloaded with `node --import`: when the process exits, writes its peak resident set size
// (process.resourceUsage().maxRSS, in kB) to $LLAMACTL_TEST_RSS_LOG, so a test can bound the
// memory a CLI run used.
import {writeFileSync} from 'node:fs'

process.on('exit', () => writeFileSync(process.env.LLAMACTL_TEST_RSS_LOG, String(process.resourceUsage().maxRSS)))
