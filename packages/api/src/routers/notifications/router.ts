import { createTRPCRouter } from "../../trpc.ts";
import { getNotifications } from "./get-notifications.ts";
import { setNotifications } from "./set-notifications.ts";

export const notificationsRouter = createTRPCRouter({ get: getNotifications, set: setNotifications });
