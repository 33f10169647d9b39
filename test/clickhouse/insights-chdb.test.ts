/** The ClickHouse planner's insight statements on chdb (ClickHouse 26.7 in-process, NFKC in SQL) against the DuckDB planner's. */
import { insightPlannerTests } from './insights-planner.js';
import { chdbTarget } from './planner-targets.js';

insightPlannerTests('chdb', chdbTarget);
