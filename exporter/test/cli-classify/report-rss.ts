// Preloaded into the classify child by the streaming test: records its peak memory.
import { writeFileSync } from 'node:fs';

const target = process.env.USSDWATCH_TEST_RSS_FILE;
if (target) process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
