// "/" has no content of its own: it sends each person where they work.
import { homeFor, session } from "./api.js";

const current = session();
location.replace(current ? homeFor(current.user) : "/login");
