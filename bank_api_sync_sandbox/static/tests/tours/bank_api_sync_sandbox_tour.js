import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("bank_api_sync_sandbox_dashboard_sync_now", {
    steps: () => [
        {
            content: "The bank journal fed by the connection offers Sync Now",
            trigger: ".o_kanban_record:contains(Rachunek bieżący) button[name=action_bank_api_sync_now]",
            run: "click",
        },
        {
            content: "The outcome of the sync is shown",
            trigger: ".o_notification:contains(new line)",
        },
    ],
});
