# <deployment_id>/<ruleset_id>: the deployment the filter is associated with, and the id of the
# traffic-filter ruleset (Network security in the console, or
# GET /api/v1/deployments/traffic-filter/associations/deployment/<deployment_id>/rulesets).
terraform import crosscluster_remote_cluster_filter.from_local 7e97748e29c60d61ea8291cde2148626/868c68e58e5ac8769d3fc57f94d125a5
