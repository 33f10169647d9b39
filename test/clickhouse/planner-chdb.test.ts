/** The ClickHouse planner on chdb (ClickHouse 26.7 in-process, NFKC in SQL) against the reference evaluator. */
import { attributeDateTests } from './planner-attribute-dates.js';
import { hostileValueTests } from './planner-hostile.js';
import { plannerPropertyTests } from './planner-property.js';
import { chdbTarget } from './planner-targets.js';

plannerPropertyTests('chdb', chdbTarget);
hostileValueTests('chdb', chdbTarget);
attributeDateTests('chdb', chdbTarget);
