/** The sandbox host's programs besides docker: each module registers its own. */
import './text.ts';
import './awk.ts';
import './system.ts';
import './tar.ts';
import './od.ts';
